#version 330
// Depth only: the colour is never stored.

out vec4 f_color;

void main() {
    f_color = vec4(1.0);
}
