import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

// n8n-core starts a cleanup interval the first time a node runs; n8n stops it on shutdown.
afterAll(() => Container.get(SSHClientsManager).onShutdown());
