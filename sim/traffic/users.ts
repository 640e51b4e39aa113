import { createRequire } from 'node:module';

/**
 * Faker, loaded at the first `makeUsers` call rather than with this module: loading it takes about 0.15 s, and most
 * rehearsals (every simulated one but a segment release's) never make users. A simulation worker loads this module
 * at its start, so each would pay it for nothing.
 */
let fakerModule: typeof import('@faker-js/faker') | undefined;
function loadFaker(): typeof import('@faker-js/faker') {
  fakerModule ??= createRequire(import.meta.url)('@faker-js/faker') as typeof import('@faker-js/faker');
  return fakerModule;
}

/** A synthetic user of the judge. */
export interface User {
  id: string;
  name: string;
  /** `internal`, `vip` or `regular`: segments a segment release can target. */
  segment: 'internal' | 'vip' | 'regular';
}

/** `count` users, the same for the same seed. */
export function makeUsers(count: number, seed: number): User[] {
  const { Faker, en } = loadFaker();
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return Array.from({ length: count }, (_, i) => {
    const roll = faker.number.float({ min: 0, max: 1 });
    const segment = roll < 0.05 ? 'internal' : roll < 0.15 ? 'vip' : 'regular';
    return { id: `u-${i + 1}`, name: faker.person.fullName(), segment };
  });
}
