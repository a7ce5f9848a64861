import { describe, expect, it } from 'vitest';
import { filenameFrom } from '../../editor/src/lib/download.ts';

describe('filenameFrom (Content-Disposition)', () => {
  it.each([
    ['attachment; filename="zhidu-revision-3.yaml"', 'zhidu-revision-3.yaml'],
    ['attachment; filename=zhidu-audit-2026-03-05.csv', 'zhidu-audit-2026-03-05.csv'],
    ["attachment; filename=\"audit.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1.csv", '审计.csv'],
    // Never a path: only the last part names the file.
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename=".."', 'fallback.txt'],
    ['attachment', 'fallback.txt'],
    [null, 'fallback.txt'],
  ])('%s', (header, name) => {
    expect(filenameFrom(header, 'fallback.txt')).toBe(name);
  });
});
