import { timeoutOnlyOptions } from '../common.descriptions';
import { getTimeout } from '../parameters';
import type { ResourceDefinition } from '../resource';
import type { WappflyOperation } from '../types';

function read(path: string): WappflyOperation {
	return {
		read: true,
		properties: [timeoutOnlyOptions()],
		async prepare(itemIndex) {
			const timeoutMs = getTimeout.call(this, itemIndex);
			return { buildRequest: () => ({ method: 'GET', path, timeoutMs }) };
		},
	};
}

export const session: ResourceDefinition = {
	value: 'session',
	name: 'Session',
	operation: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		default: 'getMe',
		options: [
			{
				name: 'Get Me',
				value: 'getMe',
				description: 'Get the line, the account and its quota',
				action: 'Get the session and quota',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: 'Check that the line is connected',
				action: 'Get the connection status',
			},
		],
	},
	table: { getMe: read('/api/me'), getStatus: read('/api/status') },
};
