import { spreadersBesideNeighbour } from './support/neighbours.js';

spreadersBesideNeighbour('cpp');
