/**
 * Every problem of a service's configuration, reported at once: the service refuses to start with all of
 * them rather than one a restart. The one class every service throws and tests for with `instanceof`.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = new.target.name;
  }
}
