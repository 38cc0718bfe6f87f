"""The starter programme: ready Inform, Inspire and Instruct content a new tenant enables in one command."""
