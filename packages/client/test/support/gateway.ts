// The gateway's own test fixture: the real app against a throwaway Redis, with its hooks, fake BullMQ
// workers, canned results and presence entries. The client's tests run it with `listen: true` and talk to
// it over HTTP on its loopback port, as a user of the client would.
export {
  cannedResult,
  publishPresence,
  useGateway,
} from '../../../../services/gateway/test/support/gateway.js';
