// JUnit XML for CI dashboards: one testcase per notebook, one <failure> per failing cell.
import type { NotebookResult } from "./execute-notebook";

const INVALID_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function junitXml(results: NotebookResult[], suiteName: string, timestamp = new Date()): string {
  const failed = results.filter((r) => r.status === "failed").length;
  const total = results.reduce((s, r) => s + r.elapsedMs, 0);
  const cases = results.map((r) => {
    const failures = r.failures.map((f) => {
      const where = f.cell === null ? "notebook" : `cell ${f.cell}`;
      return `      <failure type="${xmlEscape(f.kind)}" message="${xmlEscape(`${where}: ${f.reason}`)}">${xmlEscape(f.detail ?? f.reason)}</failure>`;
    });
    const out = r.warnings.length ? [`      <system-out>${xmlEscape(r.warnings.join("\n"))}</system-out>`] : [];
    const body = [...failures, ...out];
    const open = `    <testcase classname="${xmlEscape(suiteName)}" name="${xmlEscape(r.file)}" time="${seconds(r.elapsedMs)}"`;
    return body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlEscape(suiteName)}" tests="${results.length}" failures="${failed}" errors="0" time="${seconds(total)}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" tests="${results.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(total)}" timestamp="${timestamp.toISOString().slice(0, 19)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
