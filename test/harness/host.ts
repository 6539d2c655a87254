/**
 * A plain HTTP server on 127.0.0.1 that is not Wappfly: a CDN, a file host, a redirect target or
 * a canary that must see no request. It records every request it gets, before any handler runs,
 * and counts the connections it accepts.
 */
import { randomBytes } from 'node:crypto';

import { http } from '../support/node';

type IncomingMessage = InstanceType<typeof http.IncomingMessage>;
type ServerResponse = InstanceType<typeof http.ServerResponse>;
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
}

export interface Host {
	/** e.g. 'http://127.0.0.1:41234' */
	url: string;
	/** e.g. '127.0.0.1:41234' */
	host: string;
	requests: HostRequest[];
	/** TCP connections accepted, whether or not an HTTP request followed (e.g. a TLS attempt). */
	connections: () => number;
	/** Handles `path` (query string ignored); returns the full URL. Other paths answer 404. */
	route(path: string, handler: Handler): string;
	/** Serves `body` at `path` with its Content-Length; returns the full URL. */
	serve(path: string, body: Buffer, contentType?: string): string;
	close(): Promise<void>;
}

export async function startHost(): Promise<Host> {
	const routes = new Map<string, Handler>();
	const requests: HostRequest[] = [];
	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
		const handler = routes.get(path);
		if (handler) handler(req, res);
		else {
			res.statusCode = 404;
			res.end('not found');
		}
	});
	let connections = 0;
	server.on('connection', () => (connections += 1));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
	const url = `http://${host}`;
	const route = (path: string, handler: Handler) => {
		routes.set(path, handler);
		return `${url}${path}`;
	};
	return {
		url,
		host,
		requests,
		connections: () => connections,
		route,
		serve: (path, body, contentType = 'application/octet-stream') =>
			route(path, (_req, res) => {
				res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
				res.end(body);
			}),
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/**
 * A handler that writes random bytes without a Content-Length until the client goes away;
 * `closed` resolves once it has (proof that a download was cut off, not read to an end).
 */
export function endlessBody(): { handler: Handler; closed: Promise<void> } {
	let close: () => void = () => {};
	const closed = new Promise<void>((resolve) => (close = resolve));
	const handler: Handler = (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
		const chunk = randomBytes(64 * 1024);
		const pump = () => {
			while (!res.destroyed && res.write(chunk));
			if (!res.destroyed) res.once('drain', pump);
		};
		res.on('close', () => close());
		pump();
	};
	return { handler, closed };
}
