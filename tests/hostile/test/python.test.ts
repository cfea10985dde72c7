import { floodBesideNeighbour } from './support/flood.js';
import { attacksOneByOne } from './support/one-by-one.js';
import { twoReplicas } from './support/replicas.js';
import { threeSlots } from './support/three-slots.js';

threeSlots('python');
attacksOneByOne('python');
twoReplicas('python');
floodBesideNeighbour('python');
