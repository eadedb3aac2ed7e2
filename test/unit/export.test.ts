import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  answerFormat,
  contentDisposition,
  csvField,
  csvHeader,
  csvLine,
  exportFilename,
  exportLines,
  exportStream,
  ndjsonLine,
  trendColumns,
  trendRows,
  type Cell,
} from '../../dashboards/export.ts';

describe('csvField (RFC 4180)', () => {
  it.each<[Cell, string]>([
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['plain', 'plain'],
    [0, '0'],
    [12.5, '12.5'],
    [-3, '-3'],
    [Number.NaN, ''],
    [true, 'true'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    [' padded ', '" padded "'],
    ['Bắc Ninh', 'Bắc Ninh'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-x', "'-x"],
    ['@cmd', "'@cmd"],
    ['=a,"b"', `"'=a,""b"""`],
  ])('%j → %j', (v, want) => expect(csvField(v)).toBe(want));
});

describe('lines', () => {
  const cols = ['a', 'b', 'c'];
  it.each([
    [{ a: 1, b: 'x', c: null }, '1,x,\r\n', '{"a":1,"b":"x","c":null}\n'],
    [{ a: 'q"', b: undefined }, '"q""",,\r\n', '{"a":"q\\"","b":null,"c":null}\n'],
    [{ c: 'é,ü', extra: 'ignored' }, ',,"é,ü"\r\n', '{"a":null,"b":null,"c":"é,ü"}\n'],
  ])('%j', (row, csv, ndjson) => {
    expect(csvLine(cols, row)).toBe(csv);
    expect(ndjsonLine(cols, row)).toBe(ndjson);
    expect(JSON.parse(ndjsonLine(cols, row))).toEqual(Object.fromEntries(cols.map((c) => [c, (row as Record<string, Cell>)[c] ?? null])));
  });
  it('the CSV header comes first; NDJSON has none', () => {
    expect(csvHeader(['x', 'y,z'])).toBe('x,"y,z"\r\n');
    expect([...exportLines('csv', ['x'], [{ x: 1 }, { x: 2 }])]).toEqual(['x\r\n', '1\r\n', '2\r\n']);
    expect([...exportLines('ndjson', ['x'], [{ x: 1 }])]).toEqual(['{"x":1}\n']);
    expect([...exportLines('csv', ['x'], [])]).toEqual(['x\r\n']);
  });
});

describe('exportFilename and Content-Disposition', () => {
  it.each([
    [['trends', 'dengue', '09187', '2026-11-01'], 'csv', 'trends-dengue-09187-2026-11-01.csv'],
    [['trends', '../etc/passwd', 'a"b'], 'ndjson', 'trends-etc_passwd-a_b.ndjson'],
    [['', '..'], 'csv', 'export.csv'],
  ] as const)('%j', (parts, format, want) => {
    expect(exportFilename(parts, format)).toBe(want);
    expect(contentDisposition(want)).toBe(`attachment; filename="${want}"`);
  });
});

describe('trend rows', () => {
  const pt = (period: string, count: number) => ({
    period,
    start: period,
    end: period,
    count,
    visits: 10,
    percent_of_visits: count * 10,
    per_100k: null,
    value: count,
  });
  const answer = {
    syndrome: 'dengue',
    area: { level: 'commune', code: '09187' },
    interval: 'day',
    points: [pt('2026-11-01', 1), pt('2026-11-02', 0)],
    compare_years: [{ years_back: 1, points: [pt('2025-11-01', 3)] }],
    strata: { by: ['sex'], series: [{ values: { sex: 'male' }, points: [pt('2026-11-01', 1)] }] },
  };
  it('one row per point: the range, the compare years, then each stratum value', () => {
    expect(trendColumns(answer)).toEqual([
      'syndrome',
      'area_level',
      'area',
      'interval',
      'years_back',
      'sex',
      'period',
      'start',
      'end',
      'count',
      'visits',
      'percent_of_visits',
      'per_100k',
      'value',
      'expected',
    ]);
    const rows = [...trendRows(answer)];
    expect(rows.map((r) => [r['years_back'], r['sex'] ?? '', r['period'], r['count']])).toEqual([
      [0, '', '2026-11-01', 1],
      [0, '', '2026-11-02', 0],
      [1, '', '2025-11-01', 3],
      [0, 'male', '2026-11-01', 1],
    ]);
  });
  it('the stream is pulled as the reader reads (backpressure): a slow reader holds the generator back', async () => {
    let made = 0;
    function* many() {
      for (let i = 0; i < 100_000; i++) {
        made++;
        yield { x: i };
      }
    }
    const stream = exportStream('csv', ['x'], many());
    let seen = 0;
    let madeWhenFirst = -1;
    await pipeline(
      stream,
      new Writable({
        highWaterMark: 16,
        write(chunk: Buffer, _enc, cb) {
          if (madeWhenFirst < 0) madeWhenFirst = made;
          seen += chunk.toString().split('\r\n').length - 1;
          setImmediate(cb);
        },
      }),
    );
    expect(seen).toBe(100_001);
    // Negative control of the claim: when the first line is written, only a few rows are made.
    expect(madeWhenFirst).toBeLessThan(100);
  });
});

describe('answerFormat: format= first, else Accept, else JSON', () => {
  it.each([
    [undefined, undefined, 'json'],
    [undefined, 'application/json', 'json'],
    [undefined, 'text/csv', 'csv'],
    [undefined, 'Text/CSV; q=0.9, */*', 'csv'],
    [undefined, 'application/x-ndjson', 'ndjson'],
    ['json', 'text/csv', 'json'],
    ['ndjson', 'text/csv', 'ndjson'],
    ['csv', undefined, 'csv'],
  ] as const)('format=%s, Accept %s → %s', (format, accept, want) => {
    expect(answerFormat(format, accept)).toBe(want);
  });

  it('exportStream takes rows from an async source (a store stream) the same as from memory', async () => {
    const rows = [
      { a: 1, b: '=x' },
      { a: 2, b: null },
    ];
    const read = async (s: NodeJS.ReadableStream) => {
      let out = '';
      for await (const c of s) out += String(c);
      return out;
    };
    const fromMemory = await read(exportStream('csv', ['a', 'b'], rows));
    const fromAsync = await read(
      exportStream(
        'csv',
        ['a', 'b'],
        (async function* () {
          for (const r of rows) yield await Promise.resolve(r);
        })(),
      ),
    );
    expect(fromAsync).toBe(fromMemory);
    expect(fromMemory).toBe("a,b\r\n1,'=x\r\n2,\r\n");
  });
});
