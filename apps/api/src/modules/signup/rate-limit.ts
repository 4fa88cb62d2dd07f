import { rateLimited } from "@palisade/core";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** Signup limits per client address and per email domain, shared by every API process through Redis. */
export class SignupLimiter {
  private readonly perAddress: RateLimiterRedis;
  private readonly perDomain: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, limits: { perAddressPerHour: number; perDomainPerHour: number }) {
    this.perAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:signup:addr`, points: limits.perAddressPerHour, duration: 3600 });
    this.perDomain = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:signup:domain`, points: limits.perDomainPerHour, duration: 3600 });
  }

  async take(address: string | null, emailDomain: string): Promise<void> {
    try {
      if (address) await this.perAddress.consume(address);
      await this.perDomain.consume(emailDomain);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        const retry = Math.ceil(e.msBeforeNext / 1000);
        throw rateLimited(`too many trial requests; try again in ${retry} seconds`, retry);
      }
      throw e;
    }
  }
}
