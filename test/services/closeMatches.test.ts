// "Did you mean": close matches for a name that matches nothing.
import { closestNames } from '../../src/services/closeMatches.js';

const NAMES = ['Recommended', 'Recommended for Email CC', 'Enterprise push', 'Q4 push', 'Ava', 'Ben'];

test('a typo finds the name, closest first', () => {
  expect(closestNames('Recomended', NAMES)).toEqual(['Recommended', 'Recommended for Email CC']);
  expect(closestNames('enterprize push', NAMES)).toEqual(['Enterprise push']);
});

test('a part of a name finds every name that has it', () => {
  expect(closestNames('push', NAMES).sort()).toEqual(['Enterprise push', 'Q4 push']);
});

test('a different short name is not a typo, and nothing typed offers nothing', () => {
  expect(closestNames('Zed', NAMES)).toEqual([]);
  expect(closestNames('  ', NAMES)).toEqual([]);
  expect(closestNames('x'.repeat(5000), NAMES)).toEqual([]);
});

test('at most the limit', () => {
  expect(closestNames('e', NAMES, 2)).toHaveLength(2);
});
