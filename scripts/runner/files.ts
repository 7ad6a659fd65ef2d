// Which notebooks to run: paths, folders (their *.ipynb) and globs (* ? ** and [...]),
// expanded here because Node 20 has no fs.glob and npm scripts may pass patterns unexpanded.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** The series in reading order: notebooks/NN_*.ipynb. */
export function defaultNotebooks(root = ROOT): string[] {
  const dir = path.join(root, "notebooks");
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
}

const hasGlob = (s: string): boolean => /[*?[]/.test(s);

export function globToRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = segment.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += "[" + segment.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function expandGlob(pattern: string): string[] {
  const abs = path.resolve(pattern);
  const { root } = path.parse(abs);
  const segments = abs.slice(root.length).split(path.sep).filter(Boolean);
  let current = [root];
  for (const seg of segments) {
    const next: string[] = [];
    for (const dir of current) {
      if (seg === "**") {
        const walk = (d: string): void => {
          next.push(d);
          for (const e of safeReaddir(d)) if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") walk(path.join(d, e.name));
        };
        walk(dir);
      } else if (hasGlob(seg)) {
        const re = globToRegExp(seg);
        for (const e of safeReaddir(dir)) if (re.test(e.name) && !e.name.startsWith(".")) next.push(path.join(dir, e.name));
      } else {
        const p = path.join(dir, seg);
        if (fs.existsSync(p)) next.push(p);
      }
    }
    current = [...new Set(next)];
  }
  return current.filter((p) => p.endsWith(".ipynb") && isFile(p)).sort();
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

export interface Resolved {
  files: string[];
  /** Patterns that matched nothing (a plain path that does not exist is kept: it fails as unreadable). */
  unmatched: string[];
}

export function resolveNotebooks(args: string[]): Resolved {
  if (args.length === 0) return { files: defaultNotebooks(), unmatched: [] };
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    let found: string[];
    if (hasGlob(arg)) found = expandGlob(arg);
    else if (fs.existsSync(arg) && fs.statSync(arg).isDirectory())
      found = fs.readdirSync(arg).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.resolve(arg, f));
    else found = [path.resolve(arg)];
    if (found.length === 0) unmatched.push(arg);
    files.push(...found);
  }
  return { files: [...new Set(files)], unmatched };
}
