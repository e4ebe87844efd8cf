#version 330
// A rain streak's colour, or a round soft snowflake (GL_POINTS' gl_PointCoord).

uniform float u_round;          // 1: points drawn as discs

in vec4 v_color;
out vec4 f_color;

void main() {
    float a = v_color.a;
    if (u_round > 0.5) a *= 1.0 - smoothstep(0.25, 0.5, length(gl_PointCoord - 0.5));
    f_color = vec4(v_color.rgb, a);
}
