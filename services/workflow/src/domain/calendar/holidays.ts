/**
 * Public holidays and adjusted working days (调休上班) in mainland China, as arranged each year by
 * the State Council General Office (国务院办公厅关于<year>年部分节假日安排的通知). Each `off` range is
 * copied from the notice as written; weekends inside it are non-working anyway. `workdays` are the
 * weekend days the notice declares working days. Add a year only from its published notice.
 */
export interface HolidayArrangement {
  readonly name: string;
  /** First and last day off, inclusive. */
  readonly off: readonly [first: string, last: string];
  readonly workdays: readonly string[];
}

export interface HolidayYear {
  readonly year: number;
  readonly notice: string;
  readonly holidays: readonly HolidayArrangement[];
}

export const HOLIDAY_YEARS: readonly HolidayYear[] = [
  {
    year: 2024,
    notice: '国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25)',
    holidays: [
      // "1月1日放假，与周末连休"
      { name: "New Year's Day (元旦)", off: ['2024-01-01', '2024-01-01'], workdays: [] },
      // New Year's Eve (2024-02-09) stayed a working day; the notice only encouraged leave.
      {
        name: 'Spring Festival (春节)',
        off: ['2024-02-10', '2024-02-17'],
        workdays: ['2024-02-04', '2024-02-18'],
      },
      { name: 'Qingming (清明节)', off: ['2024-04-04', '2024-04-06'], workdays: ['2024-04-07'] },
      {
        name: 'Labour Day (劳动节)',
        off: ['2024-05-01', '2024-05-05'],
        workdays: ['2024-04-28', '2024-05-11'],
      },
      // "6月10日放假，与周末连休"
      { name: 'Dragon Boat (端午节)', off: ['2024-06-10', '2024-06-10'], workdays: [] },
      { name: 'Mid-Autumn (中秋节)', off: ['2024-09-15', '2024-09-17'], workdays: ['2024-09-14'] },
      {
        name: 'National Day (国庆节)',
        off: ['2024-10-01', '2024-10-07'],
        workdays: ['2024-09-29', '2024-10-12'],
      },
    ],
  },
  {
    // The first year under the revised 全国年节及纪念日放假办法: New Year's Eve and 2 May are added.
    year: 2025,
    notice: '国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)',
    holidays: [
      { name: "New Year's Day (元旦)", off: ['2025-01-01', '2025-01-01'], workdays: [] },
      {
        name: 'Spring Festival (春节)',
        off: ['2025-01-28', '2025-02-04'],
        workdays: ['2025-01-26', '2025-02-08'],
      },
      { name: 'Qingming (清明节)', off: ['2025-04-04', '2025-04-06'], workdays: [] },
      { name: 'Labour Day (劳动节)', off: ['2025-05-01', '2025-05-05'], workdays: ['2025-04-27'] },
      { name: 'Dragon Boat (端午节)', off: ['2025-05-31', '2025-06-02'], workdays: [] },
      {
        name: 'National Day and Mid-Autumn (国庆节、中秋节)',
        off: ['2025-10-01', '2025-10-08'],
        workdays: ['2025-09-28', '2025-10-11'],
      },
    ],
  },
  {
    year: 2026,
    notice:
      '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, published by Xinhua the same day)',
    holidays: [
      {
        name: "New Year's Day (元旦)",
        off: ['2026-01-01', '2026-01-03'],
        workdays: ['2026-01-04'],
      },
      {
        name: 'Spring Festival (春节)',
        off: ['2026-02-15', '2026-02-23'],
        workdays: ['2026-02-14', '2026-02-28'],
      },
      { name: 'Qingming (清明节)', off: ['2026-04-04', '2026-04-06'], workdays: [] },
      { name: 'Labour Day (劳动节)', off: ['2026-05-01', '2026-05-05'], workdays: ['2026-05-09'] },
      { name: 'Dragon Boat (端午节)', off: ['2026-06-19', '2026-06-21'], workdays: [] },
      { name: 'Mid-Autumn (中秋节)', off: ['2026-09-25', '2026-09-27'], workdays: [] },
      {
        name: 'National Day (国庆节)',
        off: ['2026-10-01', '2026-10-07'],
        workdays: ['2026-09-20', '2026-10-10'],
      },
    ],
  },
];
