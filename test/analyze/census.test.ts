// fit over the census fixture (fixtures/census/adult.data.csv, 32,561 rows), read with readCsv.
import { describe, expect, it } from 'vitest';
import { fit, formatFitReport } from '../../src/analyze/index.ts';
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, columnName, compile, crossedColumn,
  embeddingColumn, indicatorColumn, numericColumn, pendingFits, toConfig, vocabularyFromData, type VocabularyListColumn,
} from '../../src/index.ts';
import { readCsv } from '../../src/io/index.ts';

const TRAIN = 'fixtures/census/adult.data.csv';

const workclass = categoricalColumnWithVocabularyList('workclass', vocabularyFromData());
const education = categoricalColumnWithVocabularyList('education', vocabularyFromData({ minFrequency: 100 }), { numOovBuckets: 1 });
const ageBuckets = bucketizedColumn(numericColumn('age'), { numBuckets: 10 });
const columns = [
  numericColumn('age', { normalizer: 'zscore' }),
  numericColumn('hours_per_week', { normalizer: 'minmax' }),
  indicatorColumn(workclass),
  indicatorColumn(education),
  embeddingColumn(categoricalColumnWithHashBucket('occupation', 100), 4),
  crossedColumn([ageBuckets, 'education', workclass], 1000),
];

describe('fit on the census data', () => {
  it('finds workclass\'s 9 values, "?" included, Private first; then compiles and transforms', async () => {
    const progress: number[] = [];
    const { columns: fitted, report } = await fit(columns, readCsv(TRAIN, { batchSize: 10_000 }), { onProgress: (n) => progress.push(n) });
    expect(report.rowsSeen).toBe(32_561);
    expect(progress).toEqual([10_000, 20_000, 30_000, 32_561]);
    expect(pendingFits(fitted)).toEqual([]);

    const vocabularies = new Map<string, VocabularyListColumn>();
    const visit = (c: unknown): void => {
      if (c && typeof c === 'object') {
        if ((c as VocabularyListColumn).type === 'vocabulary_list') vocabularies.set((c as VocabularyListColumn).key, c as VocabularyListColumn);
        Object.values(c).forEach(visit);
      }
    };
    visit(fitted);
    const wc = vocabularies.get('workclass')!.vocabularyList as string[];
    expect(wc).toHaveLength(9);
    expect(wc[0]).toBe('Private');
    expect(wc).toContain('?');
    // `cut -d, -f2 | sort | uniq -c | sort -rn` over the file: 22696 Private, 2541 Self-emp-not-inc, 2093 Local-gov, 1836 ?, ...
    expect(wc).toEqual(['Private', 'Self-emp-not-inc', 'Local-gov', '?', 'State-gov', 'Self-emp-inc', 'Federal-gov', 'Without-pay', 'Never-worked']);
    // Of the 16 education levels only Preschool (51 rows) is seen fewer than 100 times.
    const ed = vocabularies.get('education')!.vocabularyList as string[];
    expect(ed[0]).toBe('HS-grad');
    expect(ed).toHaveLength(15);
    expect(ed).not.toContain('Preschool');

    const features = Object.fromEntries(report.features.map((f) => [f.key, f]));
    expect(features.workclass).toMatchObject({ rows: 32_561, nulls: 0, distinct: 9, distinctExact: true });
    expect(features.age).toMatchObject({ kind: 'int', min: 17, max: 90, distinct: 73 });
    expect(features.education.distinct).toBe(16);
    const ageFit = report.fitted.find((f) => f.kind === 'boundaries')!;
    // sort -n of the age column, then the value at 0-based index floor(i·32561/10) for i = 1..9 (awk):
    expect(ageFit).toMatchObject({ method: 'exact', values: 32_561, columns: ['age_bucketized'], boundaries: [22, 26, 30, 33, 37, 41, 45, 50, 58] });

    const head = readCsv(TRAIN);
    const schema = await head.schema();
    await head.close();
    const graph = compile(fitted, schema);
    let rows = 0;
    for await (const batch of readCsv(TRAIN, { batchSize: 8192 })) {
      const out = graph.transform(batch);
      rows += out.numRows;
      const layout = out.dense.layout.find((e) => e.name === 'workclass_indicator')!;
      expect(layout.width).toBe(9);
      for (let r = 0; r < out.numRows; r++) {
        let sum = 0;
        for (let j = 0; j < 9; j++) sum += out.dense.values[r * out.dense.shape[1] + layout.offset + j];
        expect(sum).toBe(1); // every row has a known workclass
      }
    }
    expect(rows).toBe(32_561);
    const json = JSON.stringify(toConfig(fitted));
    expect(json).not.toContain('from_data');
    expect(fitted.map(columnName)).toEqual(columns.map(columnName));
    expect(formatFitReport(report)).toMatch(/\nworkclass +vocabulary of 9 \(of 9 distinct\): "Private" ×22,696, "Self-emp-not-inc" ×2,541/);
  });

  it('gives the age z-score the data has (mean 38.58, std 13.64)', async () => {
    const { columns: fitted } = await fit([columns[0]], readCsv(TRAIN));
    const { zscore } = fitted[0].type === 'numeric' ? fitted[0].normalizer as { zscore: { mean: number; std: number } } : { zscore: { mean: 0, std: 0 } };
    expect(zscore.mean).toBeCloseTo(38.5816, 3);
    expect(zscore.std).toBeCloseTo(13.6402, 3);
  });
});
