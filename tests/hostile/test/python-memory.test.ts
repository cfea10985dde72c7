import { spreadersBesideNeighbour } from './support/neighbours.js';

spreadersBesideNeighbour('python');
