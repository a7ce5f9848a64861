// Reading a client file for the impact preview: NDJSON (one JSON object a line) or CSV with a
// header row (RFC 4180 quoting). CSV cells that look like plain numbers become numbers, except
// codes with leading zeros ("0101"), which stay text. Bad lines are reported by number; the
// rest are kept.

export interface ClientsFile {
  inputs: Record<string, unknown>[];
  errors: { line: number; message: string }[];
  format: 'ndjson' | 'csv';
}

export const MAX_CLIENTS = 100_000;

export function detectFormat(name: string, text: string): 'ndjson' | 'csv' {
  if (/\.(nd)?jsonl?$/i.test(name) || /\.ndjson$/i.test(name)) return 'ndjson';
  if (/\.csv$/i.test(name)) return 'csv';
  return text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
}

export function parseNdjson(text: string): ClientsFile {
  const inputs: Record<string, unknown>[] = [];
  const errors: ClientsFile['errors'] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) errors.push({ line: i + 1, message: 'not a JSON object' });
      else inputs.push(value as Record<string, unknown>);
    } catch (err) {
      errors.push({ line: i + 1, message: err instanceof Error ? err.message : String(err) });
    }
  });
  return { inputs, errors, format: 'ndjson' };
}

/** Rows of cells with the line each row starts on; quoted cells may span lines. */
export function csvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; cell += c; }
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((x) => x !== '')) rows.push({ line: rowLine, cells });
      cells = []; cell = '';
      line++;
      rowLine = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

export function csvValue(cell: string): unknown {
  const t = cell.trim();
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

export function parseCsv(text: string): ClientsFile {
  const rows = csvRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const [header, ...body] = rows;
  if (!header) return { inputs: [], errors: [{ line: 1, message: 'empty file' }], format: 'csv' };
  const names = header.cells.map((h) => h.trim());
  const inputs: Record<string, unknown>[] = [];
  const errors: ClientsFile['errors'] = [];
  for (const row of body) {
    if (row.cells.length !== names.length) {
      errors.push({ line: row.line, message: `${row.cells.length} cells, the header has ${names.length}` });
      continue;
    }
    const input: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const cell = row.cells[i] ?? '';
      // An empty cell is "not given": the decision's own defaults and required checks apply.
      if (name !== '' && cell.trim() !== '') input[name] = csvValue(cell);
    });
    inputs.push(input);
  }
  return { inputs, errors, format: 'csv' };
}

export function parseClientsFile(name: string, text: string): ClientsFile {
  const file = detectFormat(name, text) === 'ndjson' ? parseNdjson(text) : parseCsv(text);
  if (file.inputs.length > MAX_CLIENTS) {
    return { ...file, inputs: file.inputs.slice(0, MAX_CLIENTS), errors: [...file.errors, { line: 0, message: `only the first ${MAX_CLIENTS} clients are used` }] };
  }
  return file;
}
