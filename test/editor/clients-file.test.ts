import { describe, expect, it } from 'vitest';
import { csvRows, csvValue, detectFormat, parseClientsFile, parseCsv, parseNdjson } from '../../editor/src/lib/clients-file.ts';

describe('CSV', () => {
  it('reads a header and rows, numbers as numbers, codes with leading zeros as text', () => {
    const file = parseCsv('id,branch,assets,turnover,vip\nC1,0101,2000000,2.7,true\nC2,0202,15000.5,,false\n');
    expect(file.inputs).toEqual([
      { id: 'C1', branch: '0101', assets: 2000000, turnover: 2.7, vip: true },
      { id: 'C2', branch: '0202', assets: 15000.5, vip: false },
    ]);
    expect(file.errors).toEqual([]);
  });

  it('handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and a BOM', () => {
    expect(csvRows('\ufeffa,b\r\n"x, y","say ""hi""\nthere"\r\n'.slice(1))).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"\nthere'] },
    ]);
    expect(parseCsv('\ufeffname\n"a"\n').inputs).toEqual([{ name: 'a' }]);
  });

  it('reports a row whose cell count differs from the header by its line, and keeps the rest', () => {
    const file = parseCsv('a,b\n1,2\n3\n4,5\n');
    expect(file.inputs).toEqual([{ a: 1, b: 2 }, { a: 4, b: 5 }]);
    expect(file.errors).toEqual([{ line: 3, message: '1 cells, the header has 2' }]);
  });

  it.each([['12', 12], ['-1.5', -1.5], ['1e3', 1000], ['0101', '0101'], ['0.5', 0.5], [' 7 ', 7], ['1,000', '1,000'], ['abc', 'abc']])('cell %j → %j', (cell, value) => {
    expect(csvValue(cell)).toEqual(value);
  });
});

describe('NDJSON', () => {
  it('reads one object a line, skipping blank lines and naming bad ones', () => {
    const file = parseNdjson('{"assets": 1}\n\n[1]\n{oops\n{"assets": 2}\n');
    expect(file.inputs).toEqual([{ assets: 1 }, { assets: 2 }]);
    expect(file.errors.map((e) => e.line)).toEqual([3, 4]);
  });
});

describe('detectFormat', () => {
  it('goes by the extension, else by the first character', () => {
    expect(detectFormat('clients.csv', '{')).toBe('csv');
    expect(detectFormat('clients.ndjson', 'a,b')).toBe('ndjson');
    expect(detectFormat('clients.jsonl', '')).toBe('ndjson');
    expect(detectFormat('export', '  {"a":1}')).toBe('ndjson');
    expect(detectFormat('export', 'a,b')).toBe('csv');
  });

  it('parses by the detected format', () => {
    expect(parseClientsFile('x.csv', 'assets\n5\n')).toMatchObject({ format: 'csv', inputs: [{ assets: 5 }] });
  });
});
