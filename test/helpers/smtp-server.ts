import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback (smtp-server), keeping every message parsed by mailparser. */
export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port>: the EWS_SMTP_URL to configure. */
  url: string;
  received: ParsedMail[];
  /** The envelope recipients of each message, in order. */
  envelopes: string[][];
  /** While set, every message is answered with this SMTP code (e.g. 451 to fail, 550 to refuse). */
  failWith: number | undefined;
  /**
   * While set, a message it returns true for is recorded (the server has it) but its answer
   * (250) is withheld until {@link TestSmtpServer.releaseHeld}: a client killed meanwhile never
   * learns it was accepted.
   */
  hold: ((mail: ParsedMail) => boolean) | undefined;
  /** Messages recorded and not answered yet (see hold). */
  held: ParsedMail[];
  /** Answers the held messages (those whose client is gone are dropped). */
  releaseHeld(): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    envelopes: [],
    failWith: undefined,
    hold: undefined,
    held: [],
    releaseHeld: () => {
      state.held.splice(0);
      for (const answer of answers.splice(0)) answer();
    },
    close: () => {
      state.releaseHeld();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  const answers: (() => void)[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.failWith !== undefined) {
          const err = Object.assign(new Error(`test server answers ${state.failWith}`), { responseCode: state.failWith });
          callback(err);
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            state.received.push(mail);
            state.envelopes.push(session.envelope.rcptTo.map((r) => r.address));
            if (state.hold?.(mail)) {
              state.held.push(mail);
              answers.push(() => callback());
            } else callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  // A client killed while its message was held resets the connection: not the test's failure.
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}
