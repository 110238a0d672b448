import { installFerretdb } from '../src/store/install-ferretdb';

/** `npm run ferretdb:install`: builds the embedded store once (the test and start commands do it on demand too). */
installFerretdb({ log: (line) => process.stderr.write(`${line}\n`) }).then(
  (binary) => process.stdout.write(`${binary}\n`),
  (error: unknown) => {
    process.stderr.write(`Cannot install FerretDB: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
