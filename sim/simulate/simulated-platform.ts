import type { Clock } from '../clock/clock.js';
import type { Deployment, DeploySpec, Instance } from '../platform/platform.js';
import type { SimulatedService } from './simulated-service.js';

/** A Platform-like `deploy` whose instances are virtual: deploying takes `deployMs` of clock time and no process. */
export class SimulatedPlatform {
  constructor(
    private readonly service: SimulatedService,
    private readonly clock: Clock,
    private readonly deployMs: number,
    private readonly advance: () => void,
  ) {}

  /** Starts `spec.replicas` virtual instances of a version. */
  async deploy(spec: DeploySpec): Promise<Deployment> {
    if (this.deployMs > 0) await this.clock.sleep(this.deployMs);
    this.advance();
    const { service } = this;
    let up = spec.replicas;
    service.setInstances(spec.version, up);
    const instance = (i: number): Instance => {
      let alive = true;
      const down = async () => {
        if (!alive) return;
        alive = false;
        this.advance();
        service.setInstances(spec.version, --up);
      };
      const upAgain = async () => {
        if (alive) return;
        alive = true;
        this.advance();
        service.setInstances(spec.version, ++up);
      };
      const url = `sim://${spec.version}-${i}`;
      return {
        id: `${spec.version}-${i}`,
        version: spec.version,
        url,
        routerUrl: url,
        kill: down,
        pause: down,
        resume: upAgain,
      };
    };
    const instances = Array.from({ length: spec.replicas }, (_, i) => instance(i));
    const stop = async () => {
      this.advance();
      up = 0;
      service.setInstances(spec.version, 0);
    };
    const scale = async (replicas: number) => {
      if (replicas > instances.length && this.deployMs > 0) await this.clock.sleep(this.deployMs);
      this.advance();
      up += Math.max(0, replicas - instances.length);
      while (instances.length < replicas) instances.push(instance(instances.length));
      while (instances.length > replicas) await instances.pop()!.kill();
      service.setInstances(spec.version, up);
    };
    return { version: spec.version, instances, stop, scale, [Symbol.asyncDispose]: stop };
  }
}
