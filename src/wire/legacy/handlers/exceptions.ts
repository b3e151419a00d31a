/** Exceptions (Java's ThrowableHandler family and RemoteWrappedException). Only the message travels. */
import {
  AlreadyExistsException,
  ConfigurationException,
  ConnectionBrokenException,
  ConnectionFailedException,
  ConnectorException,
  ConnectorIOException,
  ConnectorSecurityException,
  IllegalArgumentException,
  InvalidAttributeValueException,
  InvalidCredentialException,
  InvalidPasswordException,
  JavaException,
  JavaThrowable,
  OperationTimeoutException,
  PasswordExpiredException,
  PermissionDeniedException,
  PreconditionFailedException,
  PreconditionRequiredException,
  RemoteWrappedException,
  RetryableException,
  RuntimeException,
  Uid,
  UnknownUidException,
} from '../../../model/index.ts';
import { defineHandler, type TypeHandler } from '../handler.ts';
import { expectInstance } from './util.ts';

type ThrowableCtor = (new (message?: string) => JavaThrowable) & { JAVA_CLASS: string };

/** Exceptions decoded without a message: Java's null message is written back as an absent field. */
const NULL_MESSAGE = new WeakSet<Error>();

function messageOf(e: Error): string | null {
  return NULL_MESSAGE.has(e) ? null : e.message;
}

function withMessage<T extends Error>(message: string | null, make: (m: string | undefined) => T): T {
  const e = make(message ?? undefined);
  if (message === null) NULL_MESSAGE.add(e);
  return e;
}

/** Registered exception names in Java's registration order, with the class each decodes to. */
const THROWABLES: ReadonlyArray<readonly [string, ThrowableCtor]> = [
  ['AlreadyExistsException', AlreadyExistsException],
  ['ConfigurationException', ConfigurationException],
  ['ConnectionBrokenException', ConnectionBrokenException],
  ['ConnectionFailedException', ConnectionFailedException],
  ['ConnectorIOException', ConnectorIOException],
  ['PasswordExpiredException', PasswordExpiredException],
  ['InvalidPasswordException', InvalidPasswordException],
  ['UnknownUidException', UnknownUidException],
  ['InvalidCredentialException', InvalidCredentialException],
  ['PermissionDeniedException', PermissionDeniedException],
  ['ConnectorSecurityException', ConnectorSecurityException],
  ['OperationTimeoutException', OperationTimeoutException],
  ['InvalidAttributeValueException', InvalidAttributeValueException],
  ['PreconditionFailedException', PreconditionFailedException],
  ['PreconditionRequiredException', PreconditionRequiredException],
  ['RetryableException', RetryableException],
  ['ConnectorException', ConnectorException],
  ['IllegalArgumentException', IllegalArgumentException],
  ['RuntimeException', RuntimeException],
  ['Exception', JavaException],
  // Java decodes a Throwable record as a RuntimeException.
  ['Throwable', RuntimeException],
];

/** Java FQCN → wire name, for the registered exception classes. */
const WIRE_NAME_BY_CLASS = new Map<string, string>([
  ...THROWABLES.filter(([n]) => n !== 'Throwable').map(([n, c]) => [c.JAVA_CLASS, n] as [string, string]),
  ['java.lang.Throwable', 'Throwable'],
]);

/** Well-known java.lang / java.io classes outside the model, by their nearest registered ancestor. */
const KNOWN_ANCESTORS = new Map<string, string>([
  ['java.lang.IllegalStateException', 'RuntimeException'],
  ['java.lang.UnsupportedOperationException', 'RuntimeException'],
  ['java.lang.NullPointerException', 'RuntimeException'],
  ['java.lang.ClassCastException', 'RuntimeException'],
  ['java.lang.ArithmeticException', 'RuntimeException'],
  ['java.lang.IndexOutOfBoundsException', 'RuntimeException'],
  ['java.lang.ArrayIndexOutOfBoundsException', 'RuntimeException'],
  ['java.lang.SecurityException', 'RuntimeException'],
  ['java.util.NoSuchElementException', 'RuntimeException'],
  ['java.util.ConcurrentModificationException', 'RuntimeException'],
  ['java.util.concurrent.CancellationException', 'RuntimeException'],
  ['java.lang.NumberFormatException', 'IllegalArgumentException'],
  ['java.io.IOException', 'Exception'],
  ['java.lang.InterruptedException', 'Exception'],
  ['java.util.concurrent.TimeoutException', 'Exception'],
  ['java.util.concurrent.ExecutionException', 'Exception'],
]);

/**
 * The wire name a throwable is written under: its own registered name, else its nearest registered Java ancestor
 * (through the model's class hierarchy); an unknown class with no better ancestor goes out as ConnectorException.
 */
export function throwableWireName(e: Error): string {
  if (!(e instanceof JavaThrowable)) return 'ConnectorException';
  const own = WIRE_NAME_BY_CLASS.get(e.javaClass) ?? KNOWN_ANCESTORS.get(e.javaClass);
  if (own) return own;
  for (let proto = Object.getPrototypeOf(e) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const ctor = (proto as { constructor?: { JAVA_CLASS?: string } }).constructor;
    // The generic bases say nothing about an unknown class.
    if (ctor === JavaThrowable || ctor === JavaException) break;
    const name = ctor?.JAVA_CLASS === undefined ? undefined : WIRE_NAME_BY_CLASS.get(ctor.JAVA_CLASS);
    if (name) return name;
  }
  return 'ConnectorException';
}

function throwableHandler(name: string, ctor: ThrowableCtor): TypeHandler {
  if (name === 'PasswordExpiredException') {
    return defineHandler(
      name,
      { message: 'string', Uid: 'object' },
      null,
      (o, v) => {
        const e = v as Error;
        o.string('message', messageOf(e));
        o.object('Uid', e instanceof PasswordExpiredException ? e.uid : null);
      },
      (i) => {
        const uid = expectInstance(i.object('Uid', null), Uid, i.typeName, 'Uid', true);
        return withMessage(i.string('message', null), (m) => new PasswordExpiredException(m, { uid }));
      },
    );
  }
  return defineHandler(
    name,
    { message: 'string' },
    null,
    (o, v) => o.string('message', messageOf(v as Error)),
    (i) => withMessage(i.string('message', null), (m) => new ctor(m)),
  );
}

const DEFAULT_REMOTE_CLASS = 'org.identityconnectors.framework.common.exceptions.ConnectorException';

const remoteWrapped = defineHandler(
  'RemoteWrappedException',
  { class: 'string', message: 'string', RemoteWrappedException: 'object', stackTrace: 'string' },
  null,
  (o, v) => {
    const e = v as RemoteWrappedException;
    o.string('class', e.remoteClass);
    o.string('message', messageOf(e));
    o.object('RemoteWrappedException', e.cause instanceof RemoteWrappedException ? e.cause : null);
    o.string('stackTrace', e.remoteStackTrace);
  },
  (i) => {
    const cause = expectInstance(i.object('RemoteWrappedException', null), RemoteWrappedException, i.typeName, 'RemoteWrappedException', true);
    const remoteClass = i.string('class', DEFAULT_REMOTE_CLASS) ?? DEFAULT_REMOTE_CLASS;
    const stackTrace = i.string('stackTrace', null) ?? undefined;
    return withMessage(
      i.string('message', null),
      (m) => new RemoteWrappedException(remoteClass, m as string, { cause: cause ?? undefined, stackTrace }),
    );
  },
);

/** In Java's order: RemoteWrappedException sits before ConnectorException. */
export const EXCEPTION_HANDLERS: readonly TypeHandler[] = [
  ...THROWABLES.slice(0, 16).map(([n, c]) => throwableHandler(n, c)),
  remoteWrapped,
  ...THROWABLES.slice(16).map(([n, c]) => throwableHandler(n, c)),
];
