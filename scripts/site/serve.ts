// A static file server for out/site on loopback (what "any static host" means, minimally):
// `npm run site:serve [-- --port N]`. The browser tests use it too.
import * as http from "http";
import * as fs from "fs";
import * as path from "path";
import type { AddressInfo } from "net";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
  ".wasm": "application/wasm", ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream", ".pagefind": "application/octet-stream",
};

export function serve(dir: string, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const rootDir = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? "/").split("?")[0]);
    let file = path.join(rootDir, url);
    if (!file.startsWith(rootDir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${url}`);
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

if (require.main === module) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : 8000;
  const dir = path.resolve(__dirname, "..", "..", "out", "site");
  if (!fs.existsSync(path.join(dir, "index.html"))) {
    console.error("out/site is empty: run `npm run site` first");
    process.exit(1);
  }
  void serve(dir, port).then((s) => console.log(`serving out/site at ${s.url} (Ctrl-C to stop)`));
}
