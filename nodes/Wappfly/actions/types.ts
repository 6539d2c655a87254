import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { WappflyRequest } from '../../shared/transport';
import type { Pacing } from './pacing';

/**
 * What an operation hands to the router once the item's parameters are validated. Building
 * the request may still read or download media, so it only happens when the item is sent.
 */
export interface PreparedCall {
	buildRequest: () => Promise<WappflyRequest> | WappflyRequest;
	/** Maps the API's answer to output items; by default an array gives one item per element. */
	toItems?: (response: unknown) => IDataObject[];
	/** Sends only: the pause before this item when it is not the first message of the run. */
	pacing?: Pacing;
}

export interface WappflyOperation {
	/** The operation's fields; the resource adds the displayOptions that show them. */
	properties: INodeProperties[];
	/** Validates the item's parameters without any network request. */
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedCall>;
	/** A read: changes nothing and costs no quota, so several may run at once. */
	read?: boolean;
}

export type OperationTable = Record<string, WappflyOperation>;

/**
 * An operation that runs once for the node's whole input instead of item by item through the
 * router (Send and Wait for Response sends one message, then the execution waits).
 */
export interface WholeInputOperation {
	properties: INodeProperties[];
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

/** A JSON POST whose body is fully known once the parameters are validated. */
export function postCall(
	path: string,
	body: IDataObject,
	timeoutMs: number,
	pacing?: Pacing,
): PreparedCall {
	return { buildRequest: () => ({ method: 'POST', path, body, timeoutMs }), pacing };
}
