/**
 * A learning-rate schedule: `step` is the number of optimizer updates already taken
 * (0, 1, 2, ...) and the value is the learning rate for the next update.
 * Schedules are pure: the same step always gives the same value.
 */
export type Schedule = (step: number) => number;
