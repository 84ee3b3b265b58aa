// Parse the Mermaid Gantt charts of a Markdown file (or of bare Mermaid text) with Mermaid's own parser, and print
// what Mermaid makes of them as JSON: per chart its title, dateFormat, axisFormat, and the tasks Mermaid computed
// (section, name, id, start, end, tags). Exits 1 with the parser's message when a chart does not parse, or when a
// task gets no valid dates (Mermaid's parse() alone accepts some lines that fail only when the chart is drawn).
//
//   node tools/mermaid/gantt_tasks.mjs < report.md
//
// The modules come from RESTOREKIT_MERMAID_DIR (default: .venv/mermaid beside this repository), installed by
// tools/install_mermaid.sh. Mermaid needs a DOM (DOMPurify): jsdom provides one. Times are read in the process's
// time zone, as a browser would; run with TZ=UTC to get the report's UTC times back.
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = resolve(process.env.RESTOREKIT_MERMAID_DIR || join(here, "..", "..", ".venv", "mermaid"));
const require = createRequire(join(modules, "package.json"));

let mermaid;
try {
  const { JSDOM } = require("jsdom");
  const dom = new JSDOM("<!DOCTYPE html><body></body>");
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  mermaid = (await import(pathToFileURL(require.resolve("mermaid")).href)).default;
} catch (error) {
  console.error(`mermaid or jsdom not found under ${modules}: run tools/install_mermaid.sh (${error.message})`);
  process.exit(2);
}
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let text = "";
for await (const chunk of process.stdin) text += chunk;
const fenced = [...text.matchAll(/^```mermaid[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((match) => match[1]);
const charts = fenced.length ? fenced : [text];

const result = [];
for (const chart of charts) {
  try {
    await mermaid.parse(chart);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(chart);
    if (diagram.type !== "gantt") throw new Error(`not a Gantt chart but ${diagram.type}`);
    const db = diagram.db;
    const tasks = db.getTasks().map((task) => {
      const start = task.startTime instanceof Date ? task.startTime : null;
      const end = task.endTime instanceof Date ? task.endTime : null;
      if (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
        throw new Error(`task ${JSON.stringify(task.task)} (${task.id}) has no valid start or end`);
      }
      return {
        section: task.section,
        name: task.task.trim(),
        id: task.id,
        start: start.toISOString().replace(".000Z", "Z"),
        end: end.toISOString().replace(".000Z", "Z"),
        tags: ["active", "done", "crit", "milestone"].filter((tag) => task[tag]),
      };
    });
    result.push({
      title: db.getDiagramTitle(),
      dateFormat: db.getDateFormat(),
      axisFormat: db.getAxisFormat(),
      sections: db.getSections(),
      tasks,
    });
  } catch (error) {
    console.error(`Mermaid rejects the chart: ${error.message || error}`);
    process.exit(1);
  }
}
console.log(JSON.stringify(result, null, 1));
