/** `rcs keys <sub>`: keytool-equivalent management of PKCS#12 keystores. The logic lives in src/server/tls. */
import { writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';

// The certificate libraries are loaded only when a keys command runs: they are slow to load, and every other
// rcs command (run above all) would pay for them at start.
const tools = () => import('../../server/tls/keystore-tools.ts');
const certificates = () => import('../../server/tls/certificates.ts');

function storeOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('keystore', { type: 'string', demandOption: true, describe: 'PKCS12 keystore file' })
    .option('storepass', { type: 'string', demandOption: true, describe: 'keystore password' })
    .option('storetype', { type: 'string', default: 'PKCS12', describe: 'keystore type (only PKCS12)' })
    .check((argv) => {
      const type = String((argv as { storetype?: unknown }).storetype ?? 'PKCS12').toUpperCase();
      if (type !== 'PKCS12') throw new Error(`--storetype ${type} is not supported: only PKCS12 keystores are`);
      return true;
    });
}

async function output(data: string | Buffer, file: string | undefined): Promise<void> {
  if (file) await writeFile(file, data);
  else process.stdout.write(data);
}

const generate: CommandModule<object, { keystore: string; storepass: string; keypass?: string; alias: string; dname: string; keyalg: string; keysize?: number; validity: number; san?: string }> = {
  command: 'generate',
  describe: 'Generate a key pair and self-signed certificate in a new or existing keystore (keytool -genkeypair)',
  builder: (yargs) =>
    storeOptions(yargs)
      .option('keypass', { type: 'string', describe: 'key password (default: the store password)' })
      .option('alias', { type: 'string', demandOption: true })
      .option('dname', { type: 'string', demandOption: true, describe: 'subject, e.g. "CN=host.example.com, O=Example, C=US"' })
      .option('keyalg', { type: 'string', choices: ['EC', 'RSA', 'ec', 'rsa'], default: 'EC' })
      .option('keysize', { type: 'number', describe: 'RSA bits (2048) or EC curve size (256, 384, 521)' })
      .option('validity', { type: 'number', default: 90, describe: 'validity in days' })
      .option('san', { type: 'string', describe: 'subject alternative names, e.g. dns:host,ip:127.0.0.1' }) as unknown as Argv<{
      keystore: string; storepass: string; keypass?: string; alias: string; dname: string; keyalg: string; keysize?: number; validity: number; san?: string;
    }>,
  handler: async (argv) => {
    const { generateKeyEntry } = await tools();
    const { subjectText } = await certificates();
    const result = await generateKeyEntry({
      keystore: argv.keystore,
      storePassword: argv.storepass,
      ...(argv.keypass !== undefined ? { keyPassword: argv.keypass } : {}),
      alias: argv.alias,
      dname: argv.dname,
      keyAlgorithm: argv.keyalg.toUpperCase() === 'RSA' ? 'RSA' : 'EC',
      ...(argv.keysize !== undefined ? { keySize: argv.keysize } : {}),
      validityDays: argv.validity,
      ...(argv.san !== undefined ? { san: argv.san } : {}),
    });
    process.stdout.write(`Generated key pair and self-signed certificate for ${subjectText(result.certificate)} as <${result.alias}> in ${argv.keystore}\n`);
  },
};

const exportCommand: CommandModule<object, { keystore: string; storepass: string; alias: string; rfc?: boolean; der?: boolean; file?: string }> = {
  command: 'export',
  describe: 'Export the certificate of an entry as PEM (default) or DER (keytool -exportcert)',
  builder: (yargs) =>
    storeOptions(yargs)
      .option('alias', { type: 'string', demandOption: true })
      .option('rfc', { type: 'boolean', describe: 'PEM output (the default)' })
      .option('der', { type: 'boolean', describe: 'DER output' })
      .conflicts('rfc', 'der')
      .option('file', { type: 'string', describe: 'output file (default: standard output)' }) as unknown as Argv<{
      keystore: string; storepass: string; alias: string; rfc?: boolean; der?: boolean; file?: string;
    }>,
  handler: async (argv) => {
    const { exportCertificate } = await tools();
    const data = await exportCertificate({ keystore: argv.keystore, storePassword: argv.storepass, alias: argv.alias, format: argv.der ? 'der' : 'pem' });
    await output(data, argv.file);
  },
};

const csr: CommandModule<object, { keystore: string; storepass: string; keypass?: string; alias: string; file?: string }> = {
  command: 'csr',
  describe: 'Create a PKCS#10 certificate request for an entry\'s key (keytool -certreq)',
  builder: (yargs) =>
    storeOptions(yargs)
      .option('keypass', { type: 'string', describe: 'key password (default: the store password)' })
      .option('alias', { type: 'string', demandOption: true })
      .option('file', { type: 'string', describe: 'output file (default: standard output)' }) as unknown as Argv<{
      keystore: string; storepass: string; keypass?: string; alias: string; file?: string;
    }>,
  handler: async (argv) => {
    const { createCsr } = await tools();
    const pem = await createCsr({
      keystore: argv.keystore,
      storePassword: argv.storepass,
      alias: argv.alias,
      ...(argv.keypass !== undefined ? { keyPassword: argv.keypass } : {}),
    });
    await output(pem, argv.file);
  },
};

const importCommand: CommandModule<object, { keystore: string; storepass: string; alias: string; file: string; trustcacerts?: boolean }> = {
  command: 'import',
  describe: 'Import a CA reply under a key entry\'s alias, or a trusted certificate under a new alias (keytool -importcert)',
  builder: (yargs) =>
    storeOptions(yargs)
      .option('alias', { type: 'string', demandOption: true })
      .option('file', { type: 'string', demandOption: true, describe: 'certificate(s), PEM or DER' })
      .option('trustcacerts', { type: 'boolean', describe: "also use Node's root CAs to complete the reply's chain" }) as unknown as Argv<{
      keystore: string; storepass: string; alias: string; file: string; trustcacerts?: boolean;
    }>,
  handler: async (argv) => {
    const { importCertificate } = await tools();
    const { subjectText } = await certificates();
    const result = await importCertificate({
      keystore: argv.keystore,
      storePassword: argv.storepass,
      alias: argv.alias,
      file: argv.file,
      trustCACerts: argv.trustcacerts === true,
    });
    if (result.kind === 'reply') {
      process.stdout.write(`Certificate reply was installed in keystore under <${result.alias}> (chain of ${result.chain.length})\n`);
    } else {
      process.stdout.write(`Certificate ${subjectText(result.certificate)} was added to ${result.created ? 'new ' : ''}keystore ${argv.keystore} as trusted entry <${result.alias}>\n`);
    }
  },
};

const list: CommandModule<object, { keystore: string; storepass: string; v?: boolean }> = {
  command: 'list',
  describe: 'List the entries of a keystore (keytool -list)',
  builder: (yargs) =>
    storeOptions(yargs).option('v', { alias: 'verbose', type: 'boolean', describe: 'show every certificate in detail' }) as unknown as Argv<{
      keystore: string; storepass: string; v?: boolean;
    }>,
  handler: async (argv) => {
    const { listKeystore, formatListing } = await tools();
    const listing = await listKeystore({ keystore: argv.keystore, storePassword: argv.storepass });
    process.stdout.write(formatListing(listing, argv.v === true));
  },
};

const keys: CommandModule = {
  command: 'keys',
  describe: 'Manage PKCS12 keystores and truststores (keytool equivalent, no JVM needed)',
  builder: (yargs) =>
    yargs
      .command(generate)
      .command(exportCommand)
      .command(csr)
      .command(importCommand)
      .command(list)
      .demandCommand(1, 'choose a keys command: generate, export, csr, import or list'),
  handler: () => undefined,
};

export default keys;
