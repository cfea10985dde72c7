import { floodBesideNeighbour } from './support/flood.js';
import { attacksOneByOne } from './support/one-by-one.js';
import { twoReplicas } from './support/replicas.js';
import { threeSlots } from './support/three-slots.js';

threeSlots('javascript');
attacksOneByOne('javascript');
twoReplicas('javascript');
floodBesideNeighbour('javascript');
