import { placeholder } from 'gaswatch-simulators';

console.log(placeholder);
