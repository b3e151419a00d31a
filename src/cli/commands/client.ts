/** `rcs client`: talk to a running connector server (placeholder until the client library lands). */
import type { CommandModule } from 'yargs';

const command: CommandModule = {
  command: 'client',
  describe: 'Query or drive a connector server (info, run)',
  handler: () => {
    throw new Error('not available yet');
  },
};

export default command;
