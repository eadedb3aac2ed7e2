import { describe, expect, it } from 'vitest';
import { parseUnitsImportCsv } from '../../../schemas/units/import.ts';

const H = 'code,name,province_code,province_name,lat,lon,population';
const cases: [string, string, number, string[]][] = [
  ['good row, type from the prefix', `${H}\n07210,Phường Bắc Giang,24,Bắc Ninh,21.27,106.19,66780\n`, 1, []],
  ['every bad field named', `${H}\n0721,Xã X,24,Bắc Ninh,91,106,-3\n`, 0, ['2:code', '2:lat', '2:population']],
  ['no type and no prefix', `${H}\n07210,Bắc Giang,24,Bắc Ninh,21.27,106.19,1\n`, 0, ['2:type']],
  ['duplicate code', `${H}\n07210,Xã A,24,B,21,106,1\n07210,Xã B,24,B,21,106,1\n`, 1, ['3:code']],
  ['bad boundary', `${H},boundary\n07210,Xã A,24,B,21,106,1,"{""type"":""Point""}"\n`, 0, ['2:boundary']],
  ['missing column', 'code,name\n07210,A\n', 0, ['1:province_code', '1:province_name', '1:lat', '1:lon', '1:population']],
];
describe('units import CSV', () => {
  it.each(cases)('%s', (_n, csv, good, errors) => {
    const r = parseUnitsImportCsv(csv);
    expect(r.units).toHaveLength(good);
    expect(r.errors.map((e) => `${e.line}:${e.column ?? ''}`)).toEqual(errors);
  });
  it('strips the prefix and derives name_ascii', () => {
    expect(parseUnitsImportCsv(`${H}\n07210,Phường Bắc Giang,24,Bắc Ninh,21.27,106.19,66780\n`).units[0]).toMatchObject({
      name: 'Bắc Giang',
      nameAscii: 'Bac Giang',
      type: 'phuong',
    });
  });
});
