import { phoneVariants } from '../../src/adapters/phone-variants';

describe('phoneVariants', () => {
  it('gives the E.164, national and international forms of a number', () => {
    expect(phoneVariants('+447700900123')).toEqual(['+447700900123', '07700 900123', '+44 7700 900123']);
  });

  it('reads a 00 international prefix', () => {
    expect(phoneVariants('0033 1 23 45 67 89')).toEqual(['0033 1 23 45 67 89', '+33123456789', '01 23 45 67 89', '+33 1 23 45 67 89']);
  });

  it('keeps a value it cannot parse as it is', () => {
    expect(phoneVariants(' 07700 900123 ')).toEqual(['07700 900123']);
    expect(phoneVariants("x' OR Phone != '")).toEqual(["x' OR Phone != '"]);
  });
});
