import { decimalPlaces, padDecimals } from './decimals';

describe("the step forms' decimals", () => {
  it("reads the places the step's schema requires", () => {
    expect(decimalPlaces('^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$')).toBe(2);
    expect(decimalPlaces('^[0-9]{1,2}\\.[0-9]{4}$')).toBe(4);
    expect(decimalPlaces('^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*$')).toBeUndefined();
    expect(decimalPlaces(undefined)).toBeUndefined();
  });
  it.each([
    ['250000', 2, '250000.00'],
    ['250000.5', 2, '250000.50'],
    ['250000.', 2, '250000.00'],
    [' 6.5 ', 4, '6.5000'],
    ['6.5000', 4, '6.5000'],
    ['1.234', 2, '1.234'],
    ['abc', 2, 'abc'],
    ['', 2, ''],
    ['-5', 2, '-5'],
  ])('%p with %p places → %p', (value, places, out) => {
    expect(padDecimals(value as string, places as number)).toBe(out);
  });
});
