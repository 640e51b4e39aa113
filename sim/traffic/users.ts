import { en, Faker } from '@faker-js/faker';

/** A synthetic user of the judge. */
export interface User {
  id: string;
  name: string;
  /** `internal`, `vip` or `regular`: segments a segment release can target. */
  segment: 'internal' | 'vip' | 'regular';
}

/** `count` users, the same for the same seed. */
export function makeUsers(count: number, seed: number): User[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return Array.from({ length: count }, (_, i) => {
    const roll = faker.number.float({ min: 0, max: 1 });
    const segment = roll < 0.05 ? 'internal' : roll < 0.15 ? 'vip' : 'regular';
    return { id: `u-${i + 1}`, name: faker.person.fullName(), segment };
  });
}
