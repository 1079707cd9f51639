import { CLASSIFICATIONS, type Classification } from './state';

/**
 * Floors of the five-tier classification (贷款五级分类) by days past due: a loan at or past
 * `minDaysPastDue` is at least `floor`. The default follows the CBIRC rules of 2023: overdue at
 * all → special mention (关注), over 90 days → substandard (次级), over 270 → doubtful (可疑),
 * over 360 → loss (损失).
 */
export type ClassificationPolicy = readonly { minDaysPastDue: number; floor: Classification }[];

export const DEFAULT_CLASSIFICATION_POLICY: ClassificationPolicy = [
  { minDaysPastDue: 1, floor: 'special_mention' },
  { minDaysPastDue: 91, floor: 'substandard' },
  { minDaysPastDue: 271, floor: 'doubtful' },
  { minDaysPastDue: 361, floor: 'loss' },
];

const rank = (c: Classification): number => CLASSIFICATIONS.indexOf(c);

export const worseOf = (a: Classification, b: Classification): Classification =>
  rank(a) >= rank(b) ? a : b;

export const isBetterThan = (a: Classification, b: Classification): boolean => rank(a) < rank(b);

export function classificationFloor(
  policy: ClassificationPolicy,
  daysPastDue: number,
): Classification {
  let floor: Classification = 'normal';
  for (const step of policy)
    if (daysPastDue >= step.minDaysPastDue) floor = worseOf(floor, step.floor);
  return floor;
}

/** Parses `CLASSIFICATION_FLOORS` such as "1:special_mention,91:substandard,271:doubtful,361:loss". */
export function parseClassificationPolicy(text: string): ClassificationPolicy | string {
  const steps: { minDaysPastDue: number; floor: Classification }[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,5})\s*:\s*([a-z_]+)\s*$/.exec(part);
    if (!m) return `"${part}" is not days:classification`;
    const floor = m[2] as Classification;
    if (!CLASSIFICATIONS.includes(floor))
      return `"${m[2]}" is not one of ${CLASSIFICATIONS.join(', ')}`;
    if (Number(m[1]) < 1)
      return 'a floor applies from 1 day past due (a performing loan is normal)';
    steps.push({ minDaysPastDue: Number(m[1]), floor });
  }
  for (let i = 1; i < steps.length; i++) {
    if (
      steps[i]!.minDaysPastDue <= steps[i - 1]!.minDaysPastDue ||
      !isBetterThan(steps[i - 1]!.floor, steps[i]!.floor)
    ) {
      return 'floors must get worse as days past due grow';
    }
  }
  return steps;
}
