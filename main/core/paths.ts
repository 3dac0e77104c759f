import path from 'node:path';

/**
 * Where everything lives in the data dir (DESIGN.md "Data on disk"). Ids and names are validated
 * before they get here (`names.ts`), so they are safe path segments.
 */
export function dataPaths(dataDir: string) {
  const cert = (id: string) => path.join(dataDir, 'certs', id);
  return {
    dataDir,
    secretsDir: path.join(dataDir, 'secrets'),
    certDir: cert,
    /** The order journal: the state of the certificate's current order. */
    journal: (id: string) => path.join(cert(id), 'order.json'),
    /** The order log: one JSON event per line. */
    log: (id: string) => path.join(cert(id), 'log.jsonl'),
    /** The private key of the order in progress, kept until its certificate is stored. */
    pendingKey: (id: string) => path.join(cert(id), 'pending', 'privkey.pem'),
    versionsDir: (id: string) => path.join(cert(id), 'versions'),
    version: (id: string, n: number) => path.join(cert(id), 'versions', String(n)),
    /** Names the live version (its number and a newline); switched atomically. */
    current: (id: string) => path.join(cert(id), 'current'),
    lock: (id: string) => path.join(dataDir, 'locks', `${id}.lock`),
    /** Failed attempts, the ARI window and raised alerts (renewal/state.ts). */
    renewalState: (id: string) => path.join(cert(id), 'renewal.json'),
    /** A monitor-only certificate's chain as last imported or read from its TLS endpoint. */
    observed: (id: string) => path.join(cert(id), 'observed.pem'),
    /** A staging rehearsal's own journal and pending key, apart from the real order's. */
    rehearsalDir: (id: string) => path.join(cert(id), 'rehearsal'),
  };
}

/** The paths of one data dir. */
export type DataPaths = ReturnType<typeof dataPaths>;
