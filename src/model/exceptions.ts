/**
 * Exceptions that carry the Java class name IDM expects. The class hierarchy mirrors Java's so that
 * `instanceof InvalidCredentialException` also catches UnknownUidException, as in Java.
 */
import type { Uid } from './objects.ts';

export const FRAMEWORK_EXCEPTIONS_PACKAGE = 'org.identityconnectors.framework.common.exceptions.';

/** Base of every exception that crosses the wire: it knows its Java class name (FQCN). */
export class JavaThrowable extends Error {
  /** Java fully-qualified class name, e.g. org.identityconnectors.framework.common.exceptions.UnknownUidException. */
  readonly javaClass: string;

  constructor(message?: string, options?: { cause?: unknown; javaClass?: string }) {
    super(message ?? '', options?.cause === undefined ? undefined : { cause: options.cause });
    this.javaClass = options?.javaClass ?? (new.target as unknown as { JAVA_CLASS?: string }).JAVA_CLASS ?? 'java.lang.Throwable';
    this.name = this.javaClass.slice(this.javaClass.lastIndexOf('.') + 1);
  }

  static readonly JAVA_CLASS: string = 'java.lang.Throwable';
}

function fw(simple: string): string {
  return FRAMEWORK_EXCEPTIONS_PACKAGE + simple;
}

export class JavaException extends JavaThrowable {
  static override readonly JAVA_CLASS: string = 'java.lang.Exception';
}
export class RuntimeException extends JavaException {
  static override readonly JAVA_CLASS: string = 'java.lang.RuntimeException';
}
export class IllegalArgumentException extends RuntimeException {
  static override readonly JAVA_CLASS: string = 'java.lang.IllegalArgumentException';
}
export class IllegalStateException extends RuntimeException {
  static override readonly JAVA_CLASS: string = 'java.lang.IllegalStateException';
}
export class UnsupportedOperationException extends RuntimeException {
  static override readonly JAVA_CLASS: string = 'java.lang.UnsupportedOperationException';
}
export class NullPointerException extends RuntimeException {
  static override readonly JAVA_CLASS: string = 'java.lang.NullPointerException';
}

export class ConnectorException extends RuntimeException {
  static override readonly JAVA_CLASS: string = fw('ConnectorException');
}
export class AlreadyExistsException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('AlreadyExistsException');
}
export class ConfigurationException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('ConfigurationException');
}
export class ConnectorIOException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('ConnectorIOException');
}
export class ConnectionBrokenException extends ConnectorIOException {
  static override readonly JAVA_CLASS: string = fw('ConnectionBrokenException');
}
export class ConnectionFailedException extends ConnectorIOException {
  static override readonly JAVA_CLASS: string = fw('ConnectionFailedException');
}
export class OperationTimeoutException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('OperationTimeoutException');
}
export class ConnectorSecurityException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('ConnectorSecurityException');
}
export class InvalidCredentialException extends ConnectorSecurityException {
  static override readonly JAVA_CLASS: string = fw('InvalidCredentialException');
}
export class InvalidPasswordException extends InvalidCredentialException {
  static override readonly JAVA_CLASS: string = fw('InvalidPasswordException');
}
export class PasswordExpiredException extends InvalidPasswordException {
  static override readonly JAVA_CLASS: string = fw('PasswordExpiredException');
  uid: Uid | null = null;
  constructor(message?: string, options?: { cause?: unknown; javaClass?: string; uid?: Uid | null }) {
    super(message, options);
    this.uid = options?.uid ?? null;
  }
}
export class UnknownUidException extends InvalidCredentialException {
  static override readonly JAVA_CLASS: string = fw('UnknownUidException');
}
export class PermissionDeniedException extends ConnectorSecurityException {
  static override readonly JAVA_CLASS: string = fw('PermissionDeniedException');
}
export class InvalidAttributeValueException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('InvalidAttributeValueException');
}
export class PreconditionFailedException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('PreconditionFailedException');
}
export class PreconditionRequiredException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('PreconditionRequiredException');
}
export class RetryableException extends ConnectorException {
  static override readonly JAVA_CLASS: string = fw('RetryableException');
}

/**
 * An exception that happened on the other side of the wire: keeps the remote class name, stack trace and cause
 * chain (Java's RemoteWrappedException).
 */
export class RemoteWrappedException extends ConnectorException {
  static override readonly JAVA_CLASS: string =
    'org.identityconnectors.framework.impl.api.remote.RemoteWrappedException';
  /** The remote exception's Java class. */
  readonly remoteClass: string;
  readonly remoteStackTrace: string | undefined;

  constructor(remoteClass: string, message: string, options?: { cause?: RemoteWrappedException; stackTrace?: string }) {
    super(message, { cause: options?.cause });
    this.remoteClass = remoteClass;
    this.remoteStackTrace = options?.stackTrace;
  }

  /** Java's RemoteWrappedException.is: compares class names case-insensitively. */
  is(javaClass: string | { JAVA_CLASS: string }): boolean {
    const name = typeof javaClass === 'string' ? javaClass : javaClass.JAVA_CLASS;
    return this.remoteClass.toLowerCase() === name.toLowerCase();
  }
}

type ThrowableCtor = new (message?: string, options?: { cause?: unknown; javaClass?: string }) => JavaThrowable;

const BY_CLASS = new Map<string, ThrowableCtor>(
  (
    [
      JavaThrowable,
      JavaException,
      RuntimeException,
      IllegalArgumentException,
      IllegalStateException,
      UnsupportedOperationException,
      NullPointerException,
      ConnectorException,
      AlreadyExistsException,
      ConfigurationException,
      ConnectorIOException,
      ConnectionBrokenException,
      ConnectionFailedException,
      OperationTimeoutException,
      ConnectorSecurityException,
      InvalidCredentialException,
      InvalidPasswordException,
      PasswordExpiredException,
      UnknownUidException,
      PermissionDeniedException,
      InvalidAttributeValueException,
      PreconditionFailedException,
      PreconditionRequiredException,
      RetryableException,
    ] as Array<ThrowableCtor & { JAVA_CLASS: string }>
  ).map((c) => [c.JAVA_CLASS, c]),
);

/**
 * Builds the exception for a Java class name: the matching class when known, else a ConnectorException that
 * keeps the given name (so it still travels with the right class name).
 */
export function exceptionForJavaClass(javaClass: string, message?: string, cause?: unknown): JavaThrowable {
  const ctor = BY_CLASS.get(javaClass);
  if (ctor) return new ctor(message, { cause });
  return new ConnectorException(message, { cause, javaClass });
}

/** Resolves a simple or qualified name ("UnknownUidException", "java.lang.IllegalStateException"). */
export function javaClassForName(name: string): string | undefined {
  if (BY_CLASS.has(name)) return name;
  for (const fqcn of BY_CLASS.keys()) {
    if (fqcn.slice(fqcn.lastIndexOf('.') + 1) === name) return fqcn;
  }
  return undefined;
}

/** Turns anything thrown into a JavaThrowable (plain JS errors become ConnectorException, as Java wraps them). */
export function toJavaThrowable(err: unknown): JavaThrowable {
  if (err instanceof JavaThrowable) return err;
  if (err instanceof Error) {
    if (err.name === 'AbortError') return new ConnectorException(err.message || 'Operation aborted', { cause: err });
    return new ConnectorException(err.message, { cause: err });
  }
  return new ConnectorException(String(err));
}
