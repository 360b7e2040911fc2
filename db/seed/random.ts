import { base, en, Faker } from '@faker-js/faker';

/**
 * The only source of randomness in demo data: a Faker seeded from the data-set seed and a stream
 * number. Reference data and each client draw from their own stream, so a client's data depends on
 * the seed and its index, not on how many draws came before it.
 */
export class Rng {
  readonly faker = new Faker({ locale: [en, base] });

  constructor(seed: number, stream: number) {
    this.reseed(seed, stream);
  }

  reseed(seed: number, stream: number): this {
    this.faker.seed([seed, stream]);
    return this;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  chance(probability: number): boolean {
    return this.faker.number.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return this.faker.helpers.arrayElement(items);
  }

  /** `count` distinct items in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    if (count > items.length) throw new RangeError(`Cannot sample ${count} of ${items.length} items`);
    return this.faker.helpers.arrayElements(items, count);
  }

  weighted<T>(options: readonly (readonly [T, number])[]): T {
    return this.faker.helpers.weightedArrayElement(options.map(([value, weight]) => ({ value, weight })));
  }

  digits(length: number): string {
    return this.faker.string.numeric({ length, allowLeadingZeros: true });
  }

  alphanumeric(length: number): string {
    return this.faker.string.alphanumeric({ length, casing: 'upper' });
  }

  letters(length: number): string {
    return this.faker.string.alpha({ length, casing: 'upper' });
  }
}
