// Replacing a registered wasm kernel by ours and putting the original back: the pattern every
// override in src/wasm follows (install idempotent, uninstall for side-by-side benchmarks).
import { KernelConfig, KernelFunc, getKernel, registerKernel, unregisterKernel } from "@tensorflow/tfjs-core";

export class KernelSwap {
  private readonly originals = new Map<string, KernelFunc>();

  /** `replacements`: our kernel functions by kernel name, each replacing the wasm one. */
  constructor(private readonly what: string, private readonly replacements: ReadonlyMap<string, KernelFunc>) {}

  /** The wasm kernel we replaced (or the registered one, before install), to delegate to. */
  original(name: string): KernelFunc {
    const kernel = this.originals.get(name) ?? getKernel(name, "wasm")?.kernelFunc;
    if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
    return kernel;
  }

  private isOurs(name: string): boolean {
    const config = getKernel(name, "wasm");
    return config !== undefined && config.kernelFunc === this.replacements.get(name);
  }

  installed(): boolean {
    return [...this.replacements.keys()].every((name) => this.isOurs(name));
  }

  install(): void {
    for (const [name, ours] of this.replacements) {
      if (this.isOurs(name)) continue;
      const config = getKernel(name, "wasm");
      if (!config) throw new Error(`${this.what}: wasm kernel ${name} is not registered; load @tensorflow/tfjs-backend-wasm first`);
      this.originals.set(name, config.kernelFunc);
      // setupFunc stays the original's, so a re-initialised backend still prepares what we delegate to.
      replace({ ...config, kernelFunc: ours });
    }
  }

  uninstall(): void {
    for (const name of this.replacements.keys()) {
      const config = getKernel(name, "wasm");
      const kernelFunc = this.originals.get(name);
      if (config && kernelFunc && this.isOurs(name)) replace({ ...config, kernelFunc });
    }
  }
}

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}
