import type { INodeProperties } from 'n8n-workflow';

import type { OperationTable } from './types';

export interface ResourceDefinition {
	value: string;
	name: string;
	/** The Operation selector shown for this resource. */
	operation: INodeProperties;
	table: OperationTable;
}

/** The resource's Operation selector and every operation's fields, each shown only for it. */
export function resourceProperties(resource: ResourceDefinition): INodeProperties[] {
	const fields = Object.entries(resource.table).flatMap(([operation, { properties }]) =>
		properties.map((property) => ({
			...property,
			displayOptions: {
				...property.displayOptions,
				show: {
					...property.displayOptions?.show,
					resource: [resource.value],
					operation: [operation],
				},
			},
		})),
	);
	return [resource.operation, ...fields];
}
