import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NESTING, xmlShapeProblem } from './limits';

const nested = (depth: number, leaf = '') => `${'<a>'.repeat(depth)}${leaf}${'</a>'.repeat(depth)}`;

describe('the shape of a definition before parsing', () => {
  it('accepts the bank’s process and anything nested up to the limit', () => {
    const bank = readFileSync(join(__dirname, '../../../processes/credit-approval.bpmn'), 'utf8');
    expect(xmlShapeProblem(bank)).toBeNull();
    expect(xmlShapeProblem(nested(MAX_NESTING))).toBeNull();
    expect(xmlShapeProblem('not XML at all')).toBeNull();
  });

  it('refuses one level deeper than the limit', () => {
    expect(xmlShapeProblem(nested(MAX_NESTING + 1))).toBe(
      'must not nest elements more than 100 deep',
    );
  });

  it('counts neither self-closing tags, comments, CDATA nor processing instructions as levels', () => {
    const leaves = '<b/><c x="1" /><!-- <d><d><d> --><![CDATA[<e><e>]]><?pi <f>?>';
    expect(xmlShapeProblem(nested(MAX_NESTING, leaves))).toBeNull();
    expect(xmlShapeProblem(nested(MAX_NESTING, '<g></g>'))).toBe(
      'must not nest elements more than 100 deep',
    );
  });

  it('refuses a document type declaration (entities that expand)', () => {
    expect(
      xmlShapeProblem('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
    ).toBe('must not contain a document type declaration (DOCTYPE)');
  });
});
