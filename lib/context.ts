/** Reading CDK context (`-c key=value`) with a default, checked at synth time rather than at cold start. */
import type { Construct } from 'constructs';
import { durationMs } from '../functions/domain/duration.js';

/** `accept-lead` -> `AcceptLead`: construct ids from kebab-case names. */
export const pascalCase = (kebab: string) =>
  kebab.replace(/(?:^|-)([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A string from CDK context, or the fallback when absent or empty. */
export function stringContext(scope: Construct, key: string): string | undefined;
export function stringContext(scope: Construct, key: string, fallback: string): string;
export function stringContext(scope: Construct, key: string, fallback?: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/** Deploy-time configuration that is missing or wrong: bin/app.ts prints its message alone, no stack trace. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/**
 * A string that deployment must supply (`-c key=value`): without it the synth stops with `hint`,
 * rather than deploying something that silently lacks it.
 */
export function requiredStringContext(scope: Construct, key: string, hint: string): string {
  const value = stringContext(scope, key);
  if (value === undefined) throw new ConfigurationError(`context ${key} is required: ${hint}`);
  return value;
}

/** A whole number of minutes (at least 1) from CDK context. */
export function minutesContext(scope: Construct, key: string, fallback: number): number {
  const value: unknown = scope.node.tryGetContext(key);
  const minutes = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new ConfigurationError(
      `context ${key} must be a whole number of minutes, at least 1; got ${String(value)}`,
    );
  }
  return minutes;
}

/** An ISO 8601 duration from CDK context (`-c key=P14D`). */
export function durationContext(scope: Construct, key: string, fallback: string): string {
  const duration = stringContext(scope, key, fallback);
  durationMs(duration);
  return duration;
}
