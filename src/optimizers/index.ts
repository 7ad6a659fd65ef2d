// Optimizers with PyTorch's update rules and a live learning rate, gradient clipping, and the
// bindings that drive the learning rate from a schedule.
export * from "./clip";
export * from "./base";
export * from "./sgd";
export * from "./adam";
export * from "./adamw";
export * from "./rmsprop";
export * from "./schedule-binding";
export * from "./fit-callbacks";
