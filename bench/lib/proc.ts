/** Processes for the benchmark: the connector server (`bin/rcs run`) in a child process, RSS, free ports. */
export { REPO_ROOT, freePort, rssKb, sleep, spawnRcs, waitForHealth, type ChildServer } from '../../test/e2e/support.ts';
