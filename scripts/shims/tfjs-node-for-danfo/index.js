// danfojs-node loads "@tensorflow/tfjs-node" for its tensor maths. The project runs tfjs-core
// with the wasm or cpu backend (the native package cannot install offline), so danfojs gets the
// project's own tfjs-core: one copy on disk, one module (and one engine) at run time.
"use strict";
module.exports = require("@tensorflow/tfjs-core");
