import { parseScheduleCommand } from '../../../src/listeners/commands/parseScheduleCommand.js';

describe('/schedule words', () => {
  test.each(['', '   ', 'help', 'HELP', ' Help  me '])('"%s" asks for help', (text) => {
    expect(parseScheduleCommand(text)).toEqual({ kind: 'help' });
  });

  test('an unknown word is kept, as typed, so the answer can name it', () => {
    expect(parseScheduleCommand('Frobnicate now')).toEqual({ kind: 'help', unknownWord: 'Frobnicate' });
  });
});
