import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  DEFAULT_CLASSIFICATION_POLICY,
  classificationFloor,
  isBetterThan,
  parseClassificationPolicy,
  worseOf,
  type ClassificationPolicy,
} from './classification';
import { CLASSIFICATIONS, type Classification } from './state';

const ORDER: Classification[] = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];
const classification = fc.constantFrom(...ORDER);

describe('classificationFloor with the default policy (CBIRC 2023)', () => {
  it.each([
    [0, 'normal'],
    [1, 'special_mention'],
    [2, 'special_mention'],
    [90, 'special_mention'],
    [91, 'substandard'],
    [270, 'substandard'],
    [271, 'doubtful'],
    [360, 'doubtful'],
    [361, 'loss'],
    [5000, 'loss'],
  ])('%p days past due → at least %p', (days, floor) => {
    expect(classificationFloor(DEFAULT_CLASSIFICATION_POLICY, days)).toBe(floor);
  });

  it('never gets better as days past due grow', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }), (a, b) => {
        const [few, many] = a <= b ? [a, b] : [b, a];
        const lo = classificationFloor(DEFAULT_CLASSIFICATION_POLICY, few);
        const hi = classificationFloor(DEFAULT_CLASSIFICATION_POLICY, many);
        expect(isBetterThan(hi, lo)).toBe(false);
      }),
    );
  });

  it('is normal under an empty policy and uses the worst step reached, whatever the order', () => {
    expect(classificationFloor([], 500)).toBe('normal');
    const shuffled: ClassificationPolicy = [
      { minDaysPastDue: 361, floor: 'loss' },
      { minDaysPastDue: 1, floor: 'special_mention' },
      { minDaysPastDue: 91, floor: 'substandard' },
    ];
    expect(classificationFloor(shuffled, 100)).toBe('substandard');
    expect(classificationFloor(shuffled, 400)).toBe('loss');
    expect(classificationFloor(shuffled, 0)).toBe('normal');
  });
});

describe('worseOf and isBetterThan', () => {
  it('rank the five tiers normal < special mention < substandard < doubtful < loss', () => {
    expect(CLASSIFICATIONS).toEqual(ORDER);
    for (let i = 0; i < ORDER.length; i++) {
      for (let j = 0; j < ORDER.length; j++) {
        expect(worseOf(ORDER[i]!, ORDER[j]!)).toBe(ORDER[Math.max(i, j)]);
        expect(isBetterThan(ORDER[i]!, ORDER[j]!)).toBe(i < j);
      }
    }
  });

  it('worseOf is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(classification, classification, classification, (a, b, c) => {
        expect(worseOf(a, b)).toBe(worseOf(b, a));
        expect(worseOf(worseOf(a, b), c)).toBe(worseOf(a, worseOf(b, c)));
        expect(worseOf(a, a)).toBe(a);
        expect(isBetterThan(a, a)).toBe(false);
        expect(isBetterThan(worseOf(a, b), a)).toBe(false);
      }),
    );
  });
});

describe('parseClassificationPolicy', () => {
  it('reads the default policy from its documented text', () => {
    expect(
      parseClassificationPolicy('1:special_mention,91:substandard,271:doubtful,361:loss'),
    ).toEqual(DEFAULT_CLASSIFICATION_POLICY);
  });

  it.each([
    ['1:special_mention', [{ minDaysPastDue: 1, floor: 'special_mention' }]],
    [
      ' 1 : special_mention , 31:substandard ',
      [
        { minDaysPastDue: 1, floor: 'special_mention' },
        { minDaysPastDue: 31, floor: 'substandard' },
      ],
    ],
    [
      '30:substandard,99999:loss',
      [
        { minDaysPastDue: 30, floor: 'substandard' },
        { minDaysPastDue: 99999, floor: 'loss' },
      ],
    ],
  ])('accepts %p', (text, steps) => {
    expect(parseClassificationPolicy(text)).toEqual(steps);
  });

  it.each([
    ['', 'is not days:classification'],
    ['1:special_mention,', 'is not days:classification'],
    ['special_mention', 'is not days:classification'],
    ['1=special_mention', 'is not days:classification'],
    ['-1:special_mention', 'is not days:classification'],
    ['1.5:special_mention', 'is not days:classification'],
    ['123456:loss', 'is not days:classification'],
    ['1:Loss', 'is not days:classification'],
    ['1:special mention', 'is not days:classification'],
    ['1:bad', 'is not one of normal, special_mention, substandard, doubtful, loss'],
    ['91:substandard,1:special_mention', 'floors must get worse as days past due grow'],
    ['1:substandard,91:special_mention', 'floors must get worse as days past due grow'],
    ['1:special_mention,1:substandard', 'floors must get worse as days past due grow'],
    ['1:special_mention,91:special_mention', 'floors must get worse as days past due grow'],
  ])('refuses %p (%s)', (text, reason) => {
    const parsed = parseClassificationPolicy(text);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(reason);
  });

  it('reads back any increasing policy it is given as text', () => {
    const policy = fc
      .uniqueArray(fc.integer({ min: 1, max: 99_999 }), { minLength: 1, maxLength: 4 })
      .chain((days) =>
        fc
          .shuffledSubarray(ORDER.slice(1), { minLength: days.length, maxLength: days.length })
          .map((floors) => {
            const sortedDays = [...days].sort((a, b) => a - b);
            const sortedFloors = [...floors].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
            return sortedDays.map((d, i) => ({ minDaysPastDue: d, floor: sortedFloors[i]! }));
          }),
      );
    fc.assert(
      fc.property(policy, (steps) => {
        const text = steps.map((s) => `${s.minDaysPastDue}:${s.floor}`).join(',');
        expect(parseClassificationPolicy(text)).toEqual(steps);
      }),
    );
  });
});
