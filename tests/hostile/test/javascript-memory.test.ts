import { spreadersBesideNeighbour } from './support/neighbours.js';

spreadersBesideNeighbour('javascript');
