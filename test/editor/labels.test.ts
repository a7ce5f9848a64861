import { describe, expect, it } from 'vitest';
import { idLabels, localise, outcomeCatalogue, splitDescription, splitTitle, titleOf } from '../../editor/src/lib/labels.ts';
import { ROOT, ruleDocs } from './helpers.ts';

const docs = ruleDocs();
const csrc = ruleDocs(`${ROOT}/rules/examples/csrc-2017`);

describe('labels from the policies', () => {
  it('reads a document\'s title', () => {
    expect(localise(titleOf(docs.classification), 'zh')).toBe('客户分类');
    expect(localise(titleOf(docs.classification), 'en')).toBe('Client classification');
    expect(localise(titleOf(undefined), 'zh', 'fallback')).toBe('fallback');
  });

  it('collects every labelled id, first declaration first', () => {
    const labels = idLabels(docs.classification);
    expect(labels.get('A+')).toEqual({ zh: 'A+类客户', en: 'Class A+' });
    expect(labels.get('1m-5m')?.zh).toBe('100万—500万');
    expect(labels.get('high')?.zh).toBe('高周转率(≥阈值)');
  });

  it('orders outcomes by the catalogue that holds them (classes for classification)', () => {
    const { order } = outcomeCatalogue(docs.classification, ['A', 'G']);
    expect(order).toEqual(['A+', 'B+', 'A', 'B', 'C', 'D', 'C-', 'D-', 'E', 'F', 'G']);
  });

  it('works the same on the CSRC 2017 set, whose ids differ', () => {
    const risk = csrc['risk-questionnaire'];
    const ids = [...idLabels(risk).keys()];
    expect(ids.some((id) => /^C[1-5]$/.test(id))).toBe(true);
  });
});

describe('schema text', () => {
  it('splits "中文。English." descriptions at the full stop before the English', () => {
    expect(splitDescription('客户分类的调整,例如 {turnoverThreshold: 2.5}。Classification adjustments, e.g. {turnoverThreshold: 2.5}.'))
      .toEqual({ zh: '客户分类的调整,例如 {turnoverThreshold: 2.5}。', en: 'Classification adjustments, e.g. {turnoverThreshold: 2.5}.' });
    expect(splitDescription('第一句。第二句。Then English.')).toEqual({ zh: '第一句。第二句。', en: 'Then English.' });
    expect(splitDescription('only one language')).toEqual({ zh: 'only one language', en: 'only one language' });
  });

  it('splits titles at the dash', () => {
    expect(splitTitle('客户分类的输入 — Classification input')).toEqual({ zh: '客户分类的输入', en: 'Classification input' });
  });
});
