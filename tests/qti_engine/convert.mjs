// QTI 2.x -> 3.0 with @citolab/qti-convert (Apache-2.0, a test-only devDependency): the
// 1EdTech conversion stylesheet, run by an engine that is not ours, so that the QTI 2.1
// items are scored as written (tests/qti_engine/engine.py). One JSON string per input line
// (a QTI 2.1 document), one JSON line per output: {"xml": ...} or {"error": ...}.
import { convertQti2toQti3 } from '@citolab/qti-convert/qti-convert-node';
import readline from 'node:readline';

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  try {
    const xml = await convertQti2toQti3(JSON.parse(line));
    process.stdout.write(JSON.stringify({ xml }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error) }) + '\n');
  }
}
