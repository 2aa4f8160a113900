package org.daqlab.webconsole.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration {@code org.daqlab.webconsole}: who may log in to the Web Console. Attribute methods spell
 * {@code _} as {@code __} so that the configuration keys keep their underscores ({@code console_user}).
 */
@ObjectClassDefinition(
        name = "daqlab Web Console access",
        description = "User name and password of the Web Console. A password entered here is stored hashed in the "
                + "Web Console's own configuration and then removed from this one, so no plain password stays in "
                + "the configuration store.")
public @interface ConsoleAccessConfig {

    @AttributeDefinition(name = "User",
            description = "User name for the Web Console. Takes effect together with a new password (entered here, "
                    + "given by DAQLAB_CONSOLE_PASSWORD or generated). The framework property daqlab.console.user, when set, "
                    + "overrides it for the launcher's and for a generated password.")
    String console__user() default "admin";

    @AttributeDefinition(name = "New password",
            type = AttributeType.PASSWORD,
            description = "A new Web Console password; it replaces the current one and is then cleared from here. "
                    + "Leave empty to keep the current password (on the first start the platform generates one and "
                    + "prints it once). DAQLAB_CONSOLE_PASSWORD (framework property daqlab.console.password), when "
                    + "set, is applied at every start and replaces a password set here earlier.")
    String console__password() default "";
}
