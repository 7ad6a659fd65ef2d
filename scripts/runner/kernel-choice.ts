// Which kernel a notebook asks for. Jupyter picks the kernel by metadata.kernelspec.name; tslab
// serves two: "tslab" (TypeScript) and "jslab" (JavaScript, `tslab kernel --js`). A notebook for
// any other kernel is refused with its name: running Python or R cells as TypeScript would only
// produce confusing errors.
import type { Notebook } from "./notebook";

export type KernelLanguage = "typescript" | "javascript";

export interface KernelChoice {
  /** The kernelspec name the notebook uses (or would, when it names none). */
  name: "tslab" | "jslab";
  language: KernelLanguage;
  /** How the choice was made, for messages: "kernelspec", "language_info" or "default". */
  from: "kernelspec" | "language_info" | "default";
}

/** The notebook asks for a kernel this runner cannot provide. */
export class UnsupportedKernelError extends Error {}

const BY_NAME: Record<string, KernelChoice["name"]> = { tslab: "tslab", jslab: "jslab" };
const BY_LANGUAGE: Record<string, KernelChoice["name"]> = { typescript: "tslab", javascript: "jslab" };
const LANGUAGE: Record<KernelChoice["name"], KernelLanguage> = { tslab: "typescript", jslab: "javascript" };

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/**
 * The kernel of `nb`: its kernelspec name when it has one (as Jupyter does), else its
 * language_info name, else tslab (a notebook with no metadata yet, e.g. written by a script).
 */
export function kernelFor(nb: Notebook, file = "notebook"): KernelChoice {
  const spec = (nb.metadata.kernelspec ?? {}) as Record<string, unknown>;
  const info = (nb.metadata.language_info ?? {}) as Record<string, unknown>;
  const specName = text(spec.name);
  const language = text(spec.language) ?? text(info.name);
  if (specName) {
    const name = BY_NAME[specName];
    if (!name) {
      throw new UnsupportedKernelError(
        `${file} is a notebook for the "${specName}" kernel${language ? ` (${language})` : ""}; ` +
          `this runner runs only tslab (TypeScript) and jslab (JavaScript) notebooks, and never runs one in the wrong language`,
      );
    }
    return { name, language: LANGUAGE[name], from: "kernelspec" };
  }
  if (language) {
    const name = BY_LANGUAGE[language.toLowerCase()];
    if (!name) {
      throw new UnsupportedKernelError(
        `${file} is a ${language} notebook (it names no kernelspec); this runner runs only TypeScript (tslab) and JavaScript (jslab) notebooks`,
      );
    }
    return { name, language: LANGUAGE[name], from: "language_info" };
  }
  return { name: "tslab", language: "typescript", from: "default" };
}
